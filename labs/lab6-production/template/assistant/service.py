"""Your Metrics and create_app. Lab 6's notebook writes this file from your own cells (part 5); until then it
says so."""

raise ImportError("assistant/service.py is still the template's: run lab 6's 'your repository' cell, which writes "
                  "your Metrics and create_app here (or paste them in yourself).")
