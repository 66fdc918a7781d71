// Tests of KubeRuntime.
import Testing
