"""Operations: backup and restore, housekeeping of stored files."""
