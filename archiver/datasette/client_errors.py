"""A client's error (a search FTS5 cannot parse, such as ``?_search=%22``; a page that is not
there) answered as Datasette answers it, without the traceback with every local variable
that Datasette's own handler prints for any error when rich is installed: a hundred lines
in the server's log for a correct 400. What the server gets wrong (a 5xx) keeps Datasette's
handler, traceback and all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from datasette.utils import add_cors_headers
from datasette.utils.asgi import Base400, Response
from datasette.views.base import DatasetteError
from markupsafe import Markup

DEFAULT_HANDLER_MODULE = "datasette.handle_exception"


class ClientError:
    """What the error page of a 4xx says (as Datasette's own handler reads the exception)."""

    def __init__(self, exception: Exception) -> None:
        self.status: int = exception.status  # type: ignore[attr-defined]
        self.title: str | None = None
        self.info: dict[str, Any] = {}
        if isinstance(exception, DatasetteError):
            self.info = dict(exception.error_dict)
            self.title = exception.title
            message = exception.message
            self.message = Markup(message) if exception.message_is_html else message
        else:
            self.message = exception.args[0] if exception.args else ""


def client_error(exception: Exception) -> ClientError | None:
    """The 4xx an exception stands for, or None for anything else."""
    if isinstance(exception, Base400 | DatasetteError) and 400 <= exception.status < 500:
        return ClientError(exception)
    return None


def quiet_handlers(
    datasette: Any, request: Any, exception: Exception, handlers: list[Any]
) -> list[Any]:
    """``handlers`` (what the ``handle_exception`` hooks returned) with Datasette's own
    replaced by a quiet one for a client's error. With ``--pdb``, left as they are."""
    error = client_error(exception)
    if error is None or datasette.pdb:
        return handlers
    quiet = _quiet_handler(datasette, request, error)
    return [
        quiet if getattr(handler, "__module__", None) == DEFAULT_HANDLER_MODULE else handler
        for handler in handlers
    ]


def _quiet_handler(datasette: Any, request: Any, error: ClientError) -> Callable[[], Any]:
    async def respond() -> Response:
        info = {
            **error.info,
            "ok": False,
            "error": error.message,
            "status": error.status,
            "title": error.title,
        }
        headers: dict[str, str] = {}
        if datasette.cors:
            add_cors_headers(headers)
        if request.path.split("?")[0].endswith(".json"):
            return Response.json(info, status=error.status, headers=headers)
        template = datasette.jinja_env.select_template([f"{error.status}.html", "error.html"])
        context = {
            **info,
            "urls": datasette.urls,
            "app_css_hash": datasette.app_css_hash(),
            "menu_links": lambda: [],
        }
        html = await template.render_async(context)
        return Response.html(html, status=error.status, headers=headers)

    return respond
