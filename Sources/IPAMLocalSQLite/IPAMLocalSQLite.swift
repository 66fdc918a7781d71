// IPAMLocalSQLite module (placeholder until its issue lands).
