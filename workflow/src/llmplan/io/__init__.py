"""Reading and writing files: YAML with line numbers, schemas and their defaults, JSON written
atomically, provenance (git, hashes), runs CSVs. No planning logic lives here."""
