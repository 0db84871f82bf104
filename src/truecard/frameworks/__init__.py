"""Frameworks: views over one evidence inventory (TRUE first; MOF, OSAID, OSAI, policies)."""
