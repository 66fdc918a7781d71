// Tests of OverlayIPAMCommands.
import Testing
