"""What every route of the tracker asks for, as FastAPI dependencies: the database session, the person asking (a
write also passes the CSRF check), the clock. Everything comes from ``app.state`` (:func:`shiplab.tracker.app.create_app`
puts it there), so the pages, the JSON API and the webhook and outcome routes share one definition and import no app.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from shiplab.tracker.auth import HubUser
from shiplab.tracker.errors import TrackerError


def db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


async def current_user(request: Request) -> HubUser:
    user = await request.app.state.identity.identify(request)
    if user is None:
        raise TrackerError(401, "not_logged_in", "log in through the hub first, or send your hub token as "
                                                 "'Authorization: token <JUPYTERHUB_API_TOKEN>'.")
    return user


def now(request: Request) -> dt.datetime:
    return request.app.state.clock()


DB = Depends(db)
USER = Depends(current_user)
NOW = Depends(now)


async def writer(request: Request, user: HubUser = Depends(current_user)) -> HubUser:
    """The asker, for a write: cookie sessions must send the CSRF token in ``X-CSRF-Token``."""
    request.app.state.csrf.check(request, user, None)
    return user


WRITER = Depends(writer)
