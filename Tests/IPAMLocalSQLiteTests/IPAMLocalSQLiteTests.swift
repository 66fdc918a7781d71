// Tests of IPAMLocalSQLite.
import Testing
