"""Key students (重点学生) and home visits (家访): kept by the school, read only inside it."""
