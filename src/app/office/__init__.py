"""The receiving office (issue #8): the same application, turned into the upper level that
receives the communes' signed packages, verifies them, consolidates them and answers.

    setup.py          the office's identity (name, province, signing key) in its database
    signers.py        the register of trusted commune certificates
    package_data.py   reading a verified package's data (structure, statuses, round)
    loading.py        writing one package into the consolidation database in bulk
    intake.py         a folder of packages: verify, accept or reject, supersede, log
    intake_log.py     reading and exporting the intake log
    consolidation.py  one round across communes: the source of the consolidated reports
    reports.py        the consolidated workbook and PDF, with the chart of poverty rates
    responses.py      the office's verdicts and the signed review response
    response_import.py  the commune's side: importing a response, once
"""
