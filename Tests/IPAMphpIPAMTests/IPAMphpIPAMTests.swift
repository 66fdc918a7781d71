// Tests of IPAMphpIPAM.
import Testing
