// Tests of KubeClient.
import Testing
