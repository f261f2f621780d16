"""Exporters render documents (score reports, ...) as text, JSON and other formats.

Built-in exporters register through the same hook as a plugin's (``exporters.hooks``).
"""
