"""Extra evidence checks, run over a whole evidence file after validation (``checks.hooks``)."""
