"""Gin files, importable so that gin finds `include` paths from any directory."""
