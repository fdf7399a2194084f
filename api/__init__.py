"""Entry points: the HTTP application and the `logis` command line."""
