// Tests of Operator.
import Testing
