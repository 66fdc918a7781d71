// Tests of Agent.
import Testing
