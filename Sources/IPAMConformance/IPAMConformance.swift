// IPAMConformance module (placeholder until its issue lands).
