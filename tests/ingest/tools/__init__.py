"""Tests of the shipped presets for the rest of the stack (analytics, calls, engagement, accounting)."""
