"""Reference data for the dbt seeds: countries, country aliases and the occasion calendar.

``scripts/generate_reference_seeds.py`` is a thin shell over :func:`seeds.write_reference_seeds`.
Every rule (which countries, which occasions, which dates) is documented where it is coded
and in ``seeds/_seeds__reference.yml``.
"""
