"""The plan templates' routes of the API, mounted under /api/v1/ by config/api_urls.py."""

from rest_framework.routers import SimpleRouter

from plan_templates import api

router = SimpleRouter()
router.register("templates", api.TemplateViewSet, basename="template")
router.register("template-batches", api.BatchViewSet, basename="template-batch")
router.register("template-applications", api.ApplicationViewSet, basename="template-application")

urlpatterns = router.urls
