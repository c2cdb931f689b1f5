// ReleaseGate's steps for Jenkins pipelines (a shared library: see "Jenkins shared library" in the README).
//
//   @Library('releasegate') _
//   releaseGate.submit(application: 'orders-api', image: "$REGISTRY/orders-api:$BUILD_NUMBER")
//   releaseGate.waitFor(phase: 'AwaitingSignOff,Approved', timeout: 1800, interval: 15)
//   releaseGate.reportBuild(status: 'failed')
//   releaseGate.deployDevelopment(image: "$REGISTRY/orders-api:$BUILD_NUMBER", wait: 600)   // a develop build
//
// Each step is one `sh` of the callback client, scripts/jenkins/releasegate.sh (or the folder named by
// RELEASEGATE_SCRIPTS), so what it sends shows in the build log and tests/jenkinsfile can list and run it.
// The client reads RELEASEGATE_URL, RELEASEGATE_KEY_ID and RELEASEGATE_SECRET from the environment: bind
// the secret with withCredentials around the steps. Values are put in double quotes, so $VARIABLES and
// $(commands) in them are expanded by the shell, as in a hand-written sh step.

/** Offers an image as a release candidate; its changes are the commits since what production runs. */
def submit(Map args) {
    require('submit', args, 'image')
    String application = args.application ?: '$RELEASEGATE_APPLICATION'
    String changes = ''
    if (args.changes != false) {
        sh "${client('changes.sh')} --application ${q(application)} --output .releasegate/changes.json --fallback ${args.fallbackCommits ?: 20}"
        changes = ' --changes-file .releasegate/changes.json'
    }
    sh "${client('releasegate.sh')} submit --application ${q(application)} --image ${q(args.image)}" +
        " --commit ${q(args.commit ?: '${GIT_COMMIT:-$(git rev-parse HEAD)}')} --branch ${q(args.branch ?: '${BRANCH_NAME:-release}')}" +
        " --build-number ${q(args.buildNumber ?: '$BUILD_NUMBER')} --build-url ${q(args.buildUrl ?: '$BUILD_URL')}" +
        " --submitted-by ${q(args.submittedBy ?: '$(git log -1 --format=%ae)')}${changes} --id-file .releasegate/candidate.id"
}

/** Waits until the candidate submitted last reaches one of the phases; fails on a failure phase (exit 3) or a timeout (exit 4). */
def waitFor(Map args = [:]) {
    def phase = args.phase ?: 'AwaitingSignOff,Approved'
    sh "${client('releasegate.sh')} wait --candidate ${q(args.candidate ?: '$(cat .releasegate/candidate.id)')}" +
        " --phase ${q(phase instanceof List ? phase.join(',') : phase)} --timeout ${args.timeout ?: 1800} --interval ${args.interval ?: 15}"
}

/** Reports a finished build; failed and unstable ones mail the application's team. */
def reportBuild(Map args) {
    require('reportBuild', args, 'status')
    String logTail = args.logTailFile ? " --log-tail-file ${q(args.logTailFile)}" : ''
    sh "${client('releasegate.sh')} report-build --application ${q(args.application ?: '$RELEASEGATE_APPLICATION')} --status ${q(args.status)}" +
        " --build-number ${q(args.buildNumber ?: '$BUILD_NUMBER')} --build-url ${q(args.buildUrl ?: '$BUILD_URL')}" +
        " --branch ${q(args.branch ?: '${BRANCH_NAME:-}')} --commit ${q(args.commit ?: '${GIT_COMMIT:-$(git rev-parse HEAD)}')}" +
        " --culprits ${q(args.culprits ?: '$(git log -1 --format=%ae)')}${logTail}"
}

/** Deploys a develop build to the application's development environment (no sign-off, newest build wins, never promoted). */
def deployDevelopment(Map args) {
    require('deployDevelopment', args, 'image')
    sh "${client('releasegate.sh')} develop --application ${q(args.application ?: '$RELEASEGATE_APPLICATION')} --image ${q(args.image)}" +
        " --commit ${q(args.commit ?: '${GIT_COMMIT:-$(git rev-parse HEAD)}')} --branch ${q(args.branch ?: '${BRANCH_NAME:-develop}')}" +
        " --build-number ${q(args.buildNumber ?: '$BUILD_NUMBER')} --build-url ${q(args.buildUrl ?: '$BUILD_URL')} --wait ${args.wait ?: 600}"
}

// The client scripts, where this repository keeps them unless RELEASEGATE_SCRIPTS names another folder.
String client(String script) { "\"\${RELEASEGATE_SCRIPTS:-scripts/jenkins}/${script}\"" }

// Double quotes keep a value one word; ", \ and ` are escaped so a value cannot end the quoting.
String q(Object value) { '"' + String.valueOf(value).replace('\\', '\\\\').replace('"', '\\"').replace('`', '\\`') + '"' }

void require(String step, Map args, String name) {
    if (!args?.get(name)) error("releaseGate.${step}: '${name}' is required")
}
