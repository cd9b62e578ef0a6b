"""The Swagger UI at /api/docs/, under the Content-Security-Policy (common.csp).

Swagger UI comes from the CDN drf-spectacular points at (SWAGGER_UI_DIST) and styles itself
inline; the split view serves its start-up script from its own URL rather than inline, so only
the CDN is added to the scripts a page may run.
"""

from urllib.parse import urlsplit

from drf_spectacular.settings import spectacular_settings
from drf_spectacular.views import SpectacularSwaggerSplitView

from common.csp import INLINE_STYLES, csp_allow

_dist = urlsplit(spectacular_settings.SWAGGER_UI_DIST)
SWAGGER_ORIGIN = f"{_dist.scheme}://{_dist.netloc}" if _dist.netloc else "'self'"

api_docs = csp_allow(
    script_src=[SWAGGER_ORIGIN],
    style_src=[SWAGGER_ORIGIN, *INLINE_STYLES["style-src"]],
    img_src=[SWAGGER_ORIGIN],
)(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))
