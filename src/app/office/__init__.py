"""The receiving office (issue #8): the same application, turned into the upper level that
receives the communes' signed packages, verifies them, consolidates them and answers.

    setup.py                the office's identity (name, province, signing key) in its database
    signers.py              the register of trusted commune certificates
    signer_scan.py          the unknown certificates of a folder, to ask the officer about first
    intake.py               a folder of packages: the two stages, the outcomes
    intake_check.py         stage one, no database: verify, read, plan (in worker processes)
    package_data.py         reading a verified package's data (structure, statuses, round)
    loading.py              the rows of a package (make_plan), written in bulk (load_plan)
    intake_record.py        stage two: the log, superseding, duplicates, one transaction each
    intake_log.py           reading and exporting the intake log
    consolidation.py        one round across communes: the source of the consolidated reports
    consolidated_reports.py the consolidated workbook and PDF
    rate_chart.py           the chart of poverty rates by commune (PDF pages, workbook chart)
    responses.py            the office's verdicts and the signed review response

The commune's side of the reply is app/review_responses.py.
"""
