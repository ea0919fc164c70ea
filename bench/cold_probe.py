"""Child process of bench/cold_start.py: one cold invocation, in an interpreter that sees only the
package, as Lambda runs /var/task.

Run as `python -I -S -B bench/cold_probe.py PACKAGE MODE ARN REGION` (by path, standard library
only: -I keeps this folder and the working directory off sys.path, -S site-packages, and -B
writes no bytecode, as Python cannot on Lambda's read-only /var/task), with
AWS_ENDPOINT_URL_SAGEMAKER set. Prints one line of `NAME=SECONDS`.

MODE `invoke`: import the entry point, build the caller's session and the SageMaker client as
the handlers do (a LazySession from the request's credentials, `client.sagemaker_client`), and
make the first DescribeModelPackage (the client's parts timed: botocore's session, its endpoint
resolver reading endpoints.json, then the model and the client); `chain=` is 1 if botocore's
credential chain ran (it must not: the handlers pass the caller's credentials). MODE `logs`:
the same import, then the python lib's log delivery and metrics setup as it runs when
CloudFormation asks for log delivery (the provider's session, a CloudWatch Logs and a CloudWatch
client), without their calls. MODE `invoke-paused`: `invoke` with the cyclic collector paused
while the entry point imports, and what the imports built frozen (gc.freeze) before it resumes:
an option the entry point could take, measured.
"""

import gc
import os
import sys
import time

CREDENTIALS = ("AKIDCOLDSTART", "cold-start-secret", "cold-start-token")


def main(argv: list[str]) -> int:
    package, mode, arn, region = argv
    started = time.perf_counter()
    sys.path.insert(0, package)
    os.environ["AWS_CONFIG_FILE"] = os.devnull  # Lambda has no shared config or credentials
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    if mode == "invoke-paused":
        gc.disable()
    from mlops_sagemaker_modelpackage import handlers  # noqa: F401, PLC0415

    if mode == "invoke-paused":
        gc.freeze()
        gc.enable()

    imported = time.perf_counter()
    from cloudformation_cli_python_lib.utils import Credentials  # noqa: PLC0415

    from mlops_sagemaker_modelpackage import client  # noqa: PLC0415
    from mlops_sagemaker_modelpackage.sessions import LazySession  # noqa: PLC0415

    session = LazySession(Credentials(*CREDENTIALS))
    if mode == "logs":
        session.client("logs", region_name=region)
        session.client("cloudwatch", region_name=region)
        print(f"import={imported - started} logs={time.perf_counter() - imported}")
        return 0
    # The parts of building the client, each on first use as `sagemaker_client` meets it.
    botocore_session = client._shared_botocore_session()
    made = time.perf_counter()
    botocore_session._get_internal_component("endpoint_resolver")  # type: ignore[attr-defined]
    resolved = time.perf_counter()
    sagemaker = client.sagemaker_client(session, region)
    built = time.perf_counter()
    sagemaker.describe_model_package(ModelPackageName=arn)
    called = time.perf_counter()
    chain = botocore_session._credentials is not None  # type: ignore[attr-defined]
    print(
        f"import={imported - started} session={made - imported} endpoints={resolved - made} "
        f"model={built - resolved} client={built - imported} call={called - built} "
        f"total={called - started} chain={int(chain)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
