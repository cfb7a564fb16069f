"""NativeAuthenticator, mended for JupyterHub 6.

nativeauthenticator 1.3.0 (the newest release) times logins with ``self.statsd``, which JupyterHub 6 removed
(jupyterhub#5407): every login form POST fails with a 500. :class:`NativeAuthenticator` here swaps in a login
handler that provides a no-op timer, and changes nothing else. Drop it once nativeauthenticator ships a fix.
"""

from __future__ import annotations

from nativeauthenticator import NativeAuthenticator as _Upstream
from nativeauthenticator.handlers import LoginHandler as _UpstreamLogin


class _NoTimer:
    def timer(self, *_args, **_kwargs):
        return self

    def start(self):
        return self

    def stop(self, *_args, **_kwargs):
        return None


class LoginHandler(_UpstreamLogin):
    @property
    def statsd(self):
        return self.settings.get("statsd") or _NoTimer()


class NativeAuthenticator(_Upstream):
    def get_handlers(self, app):
        return [(path, LoginHandler if handler is _UpstreamLogin else handler)
                for path, handler in super().get_handlers(app)]
