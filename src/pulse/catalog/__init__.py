"""The KPI catalog and the industry profiles: content as data, loaded and validated here."""

from __future__ import annotations
