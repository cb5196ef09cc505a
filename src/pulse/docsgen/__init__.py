"""Generators for the reference docs (docs/reference/*.md); a test keeps each one current."""

from __future__ import annotations
