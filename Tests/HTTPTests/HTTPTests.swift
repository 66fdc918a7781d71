// Tests of HTTP.
import Testing
