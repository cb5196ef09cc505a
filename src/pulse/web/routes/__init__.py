"""Routes, one module per resource; each page has an HTML route and a ``.json`` twin."""

from __future__ import annotations
