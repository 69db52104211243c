"""Certificates of completed enrollments: models, issuing services, the PDF, tasks, pages, API, admin.

Issue a certificate: services.certificate_issue (one per enrollment, contiguous numbers); a worker
calls it through tasks.certificate_issue_enrollment, queued on commit when an enrollment completes.
"""
