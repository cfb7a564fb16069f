"""The instructors' live progress board: who is where, who is stuck, what the class gets wrong.

A hub service (``/services/progress/``) for the course's instructors. It only *reads*; every fact has one writer
elsewhere:

``sources``   the grading queue (``<state>/grading/<course>/queue.db``, read-only SQL), nbgrader's gradebook
              (read-only URL) and autograded notebooks (the failing tests' messages), the exchange's ``inbound/``
              (submissions not filed yet), the roster (full names), and the hub's users API (groups, servers,
              last activity) through the service's own least-privilege token;
``model``     the pure rules that turn those facts into the grid at a given time: cell states, the stuck rule
              (with the clock passed in), per-exercise pass shares and the most common failing message;
``app``       the FastAPI service: the board page (its grid is re-fetched as an HTML fragment every few seconds,
              no full reload), the JSON API, a participant's detail page, the CSV export; ``auth`` logs browsers
              in through the hub (OAuth with PKCE) and lets only the course's instructors in.
"""
