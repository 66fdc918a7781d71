// Tests of KubeEmulator.
import Testing
