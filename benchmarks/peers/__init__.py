"""Peers of Pulse's scorecard: the same KPIs written the way an analyst would, in pandas and polars.

``spec`` says which KPIs, splits and periods are covered; ``extract`` writes the canonical tables
the peers read to Parquet; ``pandas_scorecard`` and ``polars_scorecard`` compute them (the
recurring-revenue KPIs in ``pandas_revenue`` and ``polars_revenue``);
``pulse_scorecard`` asks Pulse (the public ``Computer`` API) for the same numbers; ``compare``
checks that every implementation agrees; ``bandwidth`` gives the memory-bandwidth bound; and
``worker`` times one engine in its own process.
"""
