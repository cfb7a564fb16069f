"""Your lab-5 chain and lab 4's allowed_filter. Lab 6's notebook writes this file from your lab-4 and lab-5
notebooks (part 5); until then it says so."""

raise ImportError("assistant/chain.py is still the template's: run lab 6's 'your repository' cell, which writes "
                  "your format_context, should_refuse, answer and allowed_filter here.")
