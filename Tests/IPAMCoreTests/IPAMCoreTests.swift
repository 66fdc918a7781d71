// Tests of IPAMCore.
import Testing
