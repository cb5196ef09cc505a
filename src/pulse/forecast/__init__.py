"""Forecasting: stage-weighted, calibrated and probabilistic forecasts of a period's bookings,
snapshots stored in the workspace, and accuracy measured against locked snapshots."""

from __future__ import annotations
