"""The staff office at `/office/`: a back-office in the browser for working cases.

One module per capability: `security` (headers, CSRF, cookies), `auth` (whose session a
request carries), `login` (one-time links, codes confirmed in the chat, logout), `queue` (the
list, its filters and exports), `case_page` (the case, its files and every action),
`walk_in` (cases received at the counter, by phone or letter, and their receipt slip),
`pages` (templates), `app` (the routes assembled). Templates and static files (htmx and
Leaflet, served from here: no CDN) live beside the code. Every action calls the functions the
chat and the command line use (`handlers.cases.actions`).
"""
