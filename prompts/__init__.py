"""Prompts and reply templates as reviewable data files, with small loaders."""
