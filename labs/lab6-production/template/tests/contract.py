"""Your check_service. Lab 6's notebook writes this file from your own cell (part 5); until then it says so."""

raise ImportError("tests/contract.py is still the template's: run lab 6's 'your repository' cell, which writes "
                  "your check_service here.")
