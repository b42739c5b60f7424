from django.urls import path

from .views import downloads, intake, lists, notifications, printing, queue, reveals, saved_filters, tickets, units

app_name = "hotline"

urlpatterns = [
    path("intake/", intake.intake_page, name="intake"),
    path("intake/earlier/", intake.earlier_requests_json, name="earlier_requests"),
    path("intake/catalog/", intake.catalog_search_json, name="catalog_search"),
    path("intake/suggest/leaves/", intake.suggest_leaves_json, name="suggest_leaves"),
    path("intake/suggest/streets/", intake.suggest_streets_json, name="suggest_streets"),
    path("intake/suggest/repeats/", intake.suggest_repeats_json, name="suggest_repeats"),
    path("intake/suggest/request-type/", intake.suggest_request_type_json, name="suggest_request_type"),
    path("units/search/", units.unit_search_json, name="unit_search"),
    path("work/", lists.worklist, name="worklist"),
    path("center/queue/", queue.dispatch_queue, name="dispatch_queue"),
    path("center/queue/batch-dispatch/", queue.batch_dispatch, name="batch_dispatch"),
    path("center/deadlines/", lists.deadlines, name="deadlines"),
    path("center/extensions/", lists.extensions, name="extensions"),
    path("callbacks/", lists.callback_queue, name="callback_queue"),
    path("district/tickets/", lists.district_orders, name="district_orders"),
    path("tickets/", lists.search, name="search"),
    path("lists/saved/", saved_filters.save_filter, name="save_filter"),
    path("lists/saved/<int:saved_id>/delete/", saved_filters.delete_filter, name="delete_saved_filter"),
    path("audit/caller-reveals/", reveals.caller_reveals, name="caller_reveals"),
    path("audit/exports/", reveals.list_exports, name="list_exports"),
    path("exports/", downloads.my_exports, name="my_exports"),
    path("exports/<int:export_id>/download/", downloads.download_export, name="download_export"),
    path("notifications/", notifications.inbox, name="notifications"),
    path("notifications/read/", notifications.mark_notifications_read, name="notifications_read"),
    path("notifications/unread.json", notifications.unread_json, name="notifications_unread"),
    path("notifications/<int:pk>/open/", notifications.open_notification, name="notification_open"),
    path("tickets/<int:pk>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/print/", printing.ticket_print, name="ticket_print"),
    path("tickets/<int:pk>/caller/", tickets.reveal_caller, name="reveal_caller"),
    path("tickets/<int:pk>/<slug:action>/", tickets.ticket_action, name="ticket_action"),
    path("tickets/<int:pk>/<slug:action>/<int:obj_id>/", tickets.ticket_action, name="ticket_action_on"),
]
