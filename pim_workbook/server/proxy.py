"""One address in front of several workbook servers: an nginx configuration.

Voila keeps each page's kernel in the server that rendered the page, so every request of a
browser (the page, its scripts, its kernel's WebSocket) must reach the same server.
Open-source nginx has no sticky cookie, and ``ip_hash`` would send everyone behind one
office's address to one server; so the proxy pins a browser with a cookie of its own
(``pimw_server``): a browser without one is given a random value, and requests are routed by
a consistent hash of it. A server that stops moves only its own browsers (their pages
then say they lost their connection, and a reload opens them on another server).

TLS belongs at this proxy too (``listen 443 ssl`` and the certificate lines, which depend on
the site): the servers behind it stay on the loopback or a private network.
"""

from __future__ import annotations

import re
from pathlib import Path

COOKIE = "pimw_server"
_ADDRESS = re.compile(r"[A-Za-z0-9.\-\[\]:]+:\d{1,5}")


def nginx_config(servers: list[str], listen: str, prefix: Path | None = None) -> str:
    """A whole ``nginx.conf`` proxying ``listen`` (``[host:]port``) to ``servers``
    (``host:port`` each), pinning each browser to one of them.

    With ``prefix``, nginx keeps its pid, logs and temporary files under that folder, so
    that it runs without touching the system's nginx (``nginx -p PREFIX -c nginx.conf``).
    """
    if len(servers) < 1 or not all(_ADDRESS.fullmatch(s) for s in servers):
        raise ValueError(f"give each server as host:port, not {', '.join(servers) or 'none'}")
    if not re.fullmatch(r"([A-Za-z0-9.\-\[\]:]+:)?\d{1,5}", listen):
        raise ValueError(f"give the proxy's address as [host:]port, not {listen}")
    files = ""
    if prefix is not None:
        files = "".join(f"    {name}_temp_path {prefix / name};\n"
                        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    upstreams = "".join(f"        server {s};\n" for s in servers)
    where = prefix if prefix is not None else Path("/var/log/nginx")
    pid = f"pid {prefix / 'nginx.pid'};\n" if prefix is not None else ""
    return f"""# The PIM Data-Sharing Workbook behind one address (pim-workbook proxy-config)
worker_processes 1;
{pid}error_log {where / 'error.log'};
events {{ worker_connections 1024; }}

http {{
    log_format workbook '$remote_addr [$time_local] "$request" $status '
                        'cookie=$cookie_{COOKIE} upstream=$upstream_addr';
    access_log {where / 'access.log'} workbook;
{files}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}
    # the server a browser is pinned to: its cookie, else a new random value
    map $cookie_{COOKIE} $workbook_pin {{
        ""      $request_id;
        default $cookie_{COOKIE};
    }}
    upstream pim_workbook {{
        hash $workbook_pin consistent;
{upstreams}    }}

    server {{
        listen {listen};
        client_max_body_size 12m;  # the risk check's uploads (8 MB) and their encoding

        location / {{
            add_header Set-Cookie "{COOKIE}=$workbook_pin; Path=/; HttpOnly; SameSite=Lax" always;
            proxy_pass http://pim_workbook;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 2h;  # a page's WebSocket stays open while it is open
            proxy_buffering off;
        }}
    }}
}}
"""
