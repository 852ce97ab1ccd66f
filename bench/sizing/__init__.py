"""The inputs of a capacity sizing (`python -m bench.sizing`; see __main__.py)."""
