"""Time-bounded fuzzing of the diagnosis parser and the code scanner: `python -m fuzz --seconds 60`."""
