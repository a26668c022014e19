"""Nightly coldpath scoring from Apache Airflow, in two variants (pick one, delete the other).

Copy this file into your Airflow dags/ folder and edit the settings block below. docs/operations.md,
"Scheduling with Airflow", walks through it.

  coldpath_spark_submit  SparkSubmitOperator: Airflow runs spark-submit with the coldpath assembly jar
                         (cli/target/coldpath-assembly.jar, main class dev.coldpath.cli.Coldpath) on your
                         cluster. Needs the apache-airflow-providers-apache-spark package and a Spark
                         connection ("spark_default") whose host is the master, e.g. spark://host:7077 or yarn.
  coldpath_bash          BashOperator: Airflow runs `bin/coldpath run JOB.yaml --date {{ ds }}` on the worker,
                         which uses embedded local Spark, or a cluster set in the job file (spark.master).

Both pass `--date {{ ds }}`: the DAG run's logical date (YYYY-MM-DD) names the coldpath run (run id
2026-11-28) and fills {date}, {year}, {month}, {day} in the job's input.path. A rerun of the same date -
"Clear" in the Airflow UI, or a backfill - replaces that run's predictions atomically, so it is safe.

coldpath's exit code tells Airflow what happened (README, "Exit codes"):

  0   success
  2   invalid job, configuration, model or input data   - fix the job or the data; a retry fails again
  3   the input is not there yet                         - retry later: this is what `retries` is for
  4   a budget was breached                              - look at the run's report; a retry rarely helps
  5   too many rejected rows                             - look at the quarantine; a retry fails again
  6   an external failure (storage, cluster, network)    - a retry often helps
  70  an internal error in coldpath                      - report it with the task log

Retries and exit code 3. The daily partition often lands some time after midnight. Rather than guessing the
time, schedule early and let coldpath say "not there yet": it checks input.path before it reads any data
and exits with 3 soon after starting, so a failed attempt costs little. Airflow then retries the task after
`retry_delay`, up to `retries` times: with 15 minutes and 16 retries, the task waits up to 4 hours for the
input before it fails for good. Airflow retries a failed task whatever its exit code, so the same retries
also cover 6 (external failure), and they are spent, quickly, on 2 and 70 too: those fail again at once. If
a failure after a long run (4, 5) must not be retried, lower `retries`, or see the sensor note at the end.

The exit code reaches Airflow only when the coldpath driver runs in the Airflow worker's process tree: the
Bash variant always; the SparkSubmit variant in client deploy mode (set "deploy-mode": "client" in the
connection's extra). In cluster mode spark-submit reports only whether the application failed.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

try:  # Airflow 3
    from airflow.sdk import DAG
except ImportError:  # Airflow 2.4 and later
    from airflow import DAG

try:  # Airflow 3, or Airflow 2 with apache-airflow-providers-standard
    from airflow.providers.standard.operators.bash import BashOperator
except ImportError:  # Airflow 2
    from airflow.operators.bash import BashOperator

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

# --- Settings: edit these. ----------------------------------------------------------------------------------
COLDPATH_HOME = "/opt/coldpath"  # a checkout built with `mvn -B -q package -DskipTests`
ASSEMBLY = f"{COLDPATH_HOME}/cli/target/coldpath-assembly.jar"
# The job file. For spark-submit in client mode it is read on the Airflow worker; in cluster mode put it on
# storage the driver can read, or ship it with files= and pass its bare name.
JOB = "/etc/coldpath/jobs/wine.yaml"
SPARK_CONN_ID = "spark_default"
SCHEDULE = "15 2 * * *"  # 02:15 UTC every day; the run for 2026-11-28 starts on 2026-11-29 at 02:15
# -------------------------------------------------------------------------------------------------------------

default_args = {
    "owner": "data-platform",
    # Exit 3 (input not there yet) and 6 (external failure): try again every 15 minutes, for up to 4 hours.
    "retries": 16,
    "retry_delay": timedelta(minutes=15),
    "retry_exponential_backoff": False,
    # A hung run is killed and counts as a failed attempt; make it longer than your slowest night.
    "execution_timeout": timedelta(hours=3),
}

with DAG(
    dag_id="coldpath_spark_submit",
    description="Score the day's partition with coldpath on a Spark cluster (spark-submit)",
    schedule=SCHEDULE,
    start_date=datetime(2026, 11, 1, tzinfo=timezone.utc),
    catchup=False,  # True backfills every day since start_date, one coldpath run per day
    max_active_runs=1,  # never two runs of this job at once (the cron wrapper's flock does the same)
    default_args=default_args,
    tags=["coldpath"],
) as spark_submit_dag:
    SparkSubmitOperator(
        task_id="score",
        conn_id=SPARK_CONN_ID,
        application=ASSEMBLY,
        java_class="dev.coldpath.cli.Coldpath",
        # The coldpath command line: `run JOB.yaml --date {{ ds }}` (application_args is templated).
        # Add "--master", "<the connection's master>" when the job file sets spark.master for development
        # (docs/deploy.md): a job's spark.* keys are applied after spark-submit's.
        application_args=["run", JOB, "--date", "{{ ds }}"],
        name="coldpath-wine-{{ ds }}",
        num_executors=4,
        executor_cores=4,
        executor_memory="8g",
        driver_memory="2g",
        conf={
            # Spark 4.1 on Java 17: coldpath needs nothing beyond Spark's own defaults. Put cluster settings
            # here or in the job file's spark: section, e.g.
            # "spark.executor.memoryOverhead": "2g",
        },
        verbose=False,
    )

with DAG(
    dag_id="coldpath_bash",
    description="Score the day's partition with coldpath (bin/coldpath run)",
    schedule=SCHEDULE,
    start_date=datetime(2026, 11, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["coldpath"],
) as bash_dag:
    BashOperator(
        task_id="score",
        # bin/coldpath needs Java 17 on the worker (JAVA_HOME or PATH). The command's exit code is the task's
        # result: 0 succeeds, anything else fails the attempt and Airflow retries as set above. The run's
        # summary and its report path are in the task log; the report is _report.html in the run directory.
        bash_command=f"{COLDPATH_HOME}/bin/coldpath run {JOB} --date {{{{ ds }}}}",
        env={"COLDPATH_JAVA_OPTS": "-Xmx4g"},
        append_env=True,  # keep the worker's PATH and JAVA_HOME
    )

# Sensor note. To wait for exit 3 without spending retries on other failures, run the same command as a
# BashSensor (airflow.providers.standard.sensors.bash, Airflow 2: airflow.sensors.bash) with
# retry_exit_code=3, mode="reschedule", poke_interval=900 and timeout=4 * 3600: exit 0 finishes the task,
# 3 pokes again later without holding a worker slot, and any other code fails the task at once.
