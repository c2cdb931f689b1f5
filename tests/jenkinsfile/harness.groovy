// Runs a declarative Jenkinsfile without Jenkins and lists what it would do.
//
//   groovy tests/jenkinsfile/harness.groovy [Jenkinsfile [vars folder]]      (or: tests/jenkinsfile/list.sh)
//
// Shared-library steps: `@Library('…') _` lines are recorded (LIB) and each <vars folder>/NAME.groovy
// (default: jenkins/vars beside the Jenkinsfile) becomes the global NAME, as Jenkins loads vars/. Steps
// they call (sh, error, …) are recorded in the calling stage, so their sh commands are listed like any other.
//
// Every DSL call (pipeline, agent, options, environment, stages, stage, when, steps, sh,
// withCredentials, string, post, always, failure, unstable, success, mail, script, ...) is recorded
// by methodMissing and every closure argument is run, whatever `when` says, so all stages and all
// post conditions are listed. Output, one record a line, fields separated by a TAB (stage names
// may contain spaces):
//
//   STAGE  <stage>                         a stage, in order
//   SH     <context>  <command>            a sh step; context = the stage, or post:<condition> for
//                                          the pipeline's post, or <stage>/post:<condition>
//   WHEN   <stage>    <condition>          e.g. "branch release", "anyOf(branch release, branch main)"
//   CRED   <context>  <kind> <id> -> <variable>
//   ENV    <NAME>=<value>                  environment {} entries
//   MAIL   <context>  to=<to> subject=<subject>
//   CALL   <context>  <name>               any other step (echo, junit, timeout, ...)
//   LIB    <library>                       an @Library annotation
//
// A sh command containing a newline is printed with the newline as the two characters \n (the
// project's Jenkinsfile keeps each sh on one line). References to `env.X` and to unknown variables
// inside GStrings come out as $X, which the shell would expand the same way.
// Exit status: 0 if the file ran to the end, 1 (with the exception) otherwise.

import org.codehaus.groovy.control.CompilerConfiguration

abstract class PipelineDsl extends Script {
    static final List<String> CONDITIONS = ['always', 'success', 'failure', 'unstable', 'aborted', 'changed',
                                             'fixed', 'regression', 'unsuccessful', 'cleanup', 'notBuilt']
    List<String> context = []
    String currentStage = null
    boolean inPost = false
    boolean inEnvironment = false
    Map<String, Object> envValues = [:]
    Map<String, Script> libraryVars = [:]

    static String tsv(Object... fields) { fields.collect { String.valueOf(it).replace('\t', ' ') }.join('\t') }

    void emit(Object... fields) { println tsv(fields) }

    String where() { context ? context.join('/') : 'pipeline' }

    Object run(Closure body) {
        if (body == null) return null
        Closure c = (Closure) body.clone()
        c.resolveStrategy = Closure.OWNER_FIRST
        return c.call()
    }

    Object pushed(String label, Closure body) {
        context.push(label)
        try { return run(body) } finally { context.pop() }
    }

    // ---- structure ---------------------------------------------------------------------------
    def pipeline(Closure body) { run(body); null }

    def stages(Closure body) { run(body) }

    def stage(String name, Closure body) {
        emit('STAGE', name)
        String saved = currentStage
        currentStage = name
        List<String> savedContext = context
        context = [name]
        try { run(body) } finally { currentStage = saved; context = savedContext }
    }

    def parallel(Map branches) { branches.each { k, v -> if (v instanceof Closure) pushed(String.valueOf(k), v) } }

    def steps(Closure body) { run(body) }

    def environment(Closure body) {
        inEnvironment = true
        try { run(body) } finally { inEnvironment = false }
    }

    def post(Closure body) {
        inPost = true
        try { run(body) } finally { inPost = false }
    }

    def when(Closure body) {
        List<String> parts = []
        Closure c = (Closure) body.clone()
        c.delegate = new WhenRecorder(parts)
        c.resolveStrategy = Closure.DELEGATE_FIRST
        c.call()
        emit('WHEN', currentStage ?: where(), parts.join(', '))
    }

    // ---- steps -------------------------------------------------------------------------------
    def sh(Object arg) {
        String command = arg instanceof Map ? String.valueOf(arg.script) : String.valueOf(arg)
        emit('SH', where(), command.replace('\n', '\\n'))
        if (arg instanceof Map && (arg.returnStatus)) return 0
        if (arg instanceof Map && (arg.returnStdout)) return ''
        null
    }

    def withCredentials(List bindings, Closure body) {
        bindings.each { b -> emit('CRED', where(), b instanceof Map ? "${b.kind} ${b.credentialsId} -> ${b.variable ?: b.usernameVariable ?: b.keyFileVariable}" : b) }
        run(body)
    }

    def string(Map m) { [kind: 'string'] + m }
    def usernamePassword(Map m) { [kind: 'usernamePassword'] + m }
    def file(Map m) { [kind: 'file'] + m }
    def sshUserPrivateKey(Map m) { [kind: 'sshUserPrivateKey'] + m }

    def mail(Map m) { emit('MAIL', where(), "to=${m.to} subject=${m.subject}"); null }

    def script(Closure body) { run(body) }

    def dir(String path, Closure body) { pushed("dir(${path})", body) }

    def methodMissing(String name, Object rawArgs) {
        Object[] args = rawArgs instanceof Object[] ? (Object[]) rawArgs : [rawArgs] as Object[]
        if (libraryVars.containsKey(name)) return libraryVars[name].invokeMethod('call', args)
        Closure body = args && args[-1] instanceof Closure ? (Closure) args[-1] : null
        if (inPost && CONDITIONS.contains(name) && body != null) {
            String label = currentStage ? "${currentStage}/post:${name}" : "post:${name}"
            List<String> saved = context
            context = [label]
            try { run(body) } finally { context = saved }
            return null
        }
        List shown = body ? args.toList().subList(0, args.length - 1) : args.toList()
        emit('CALL', where(), shown ? "${name} ${shown.collect { it instanceof Map ? it.collect { k, v -> "${k}: ${v}" }.join(', ') : it }.join(' ')}" : name)
        return body ? run(body) : [step: name, args: shown]
    }

    // `agent any`, `BUILD_NUMBER`, `env.X`: unknown names read as shell variables.
    def propertyMissing(String name) {
        if (name == 'env') return new EnvView(this)
        if (name in ['any', 'none']) return name
        if (envValues.containsKey(name)) return envValues[name]
        if (libraryVars.containsKey(name)) return libraryVars[name]
        return '$' + name
    }

    void setProperty(String name, Object value) {
        if (inEnvironment) { envValues[name] = value; emit('ENV', "${name}=${value}") }
        else super.setProperty(name, value)
    }

    Object getProperty(String name) {
        try { return super.getProperty(name) } catch (MissingPropertyException ignored) { return propertyMissing(name) }
    }
}

/** A shared library's vars/NAME.groovy: every step it calls is the pipeline's, recorded where it was called. */
abstract class LibraryVar extends Script {
    PipelineDsl dsl

    def methodMissing(String name, Object rawArgs) { dsl.invokeMethod(name, rawArgs) }

    Object getProperty(String name) {
        try { return super.getProperty(name) } catch (MissingPropertyException ignored) { return dsl.getProperty(name) }
    }
}

class EnvView {
    PipelineDsl dsl
    EnvView(PipelineDsl dsl) { this.dsl = dsl }
    Object getProperty(String name) { dsl.envValues.containsKey(name) ? dsl.envValues[name] : '$' + name }
    void setProperty(String name, Object value) { dsl.envValues[name] = value }
}

class WhenRecorder {
    List<String> parts
    WhenRecorder(List<String> parts) { this.parts = parts }
    def methodMissing(String name, Object rawArgs) {
        Object[] args = rawArgs instanceof Object[] ? (Object[]) rawArgs : [rawArgs] as Object[]
        if (args && args[-1] instanceof Closure) {
            List<String> inner = []
            Closure c = (Closure) ((Closure) args[-1]).clone()
            c.delegate = new WhenRecorder(inner)
            c.resolveStrategy = Closure.DELEGATE_FIRST
            c.call()
            parts << "${name}(${inner.join(', ')})".toString()
        } else {
            parts << ([name] + args.collect { it instanceof Map ? it.toString() : String.valueOf(it) }).join(' ')
        }
        null
    }
    def propertyMissing(String name) { '$' + name }
}

String path = args ? args[0] : 'Jenkinsfile'
File jenkinsfile = new File(path)
if (!jenkinsfile.isFile()) { System.err.println("harness: no such file: ${path}"); System.exit(2) }
File varsDir = args.length > 1 ? new File(args[1]) : new File(jenkinsfile.absoluteFile.parentFile, 'jenkins/vars')

def config = new CompilerConfiguration()
config.scriptBaseClass = PipelineDsl.name
def shell = new GroovyShell(this.class.classLoader, new Binding(), config)
def varConfig = new CompilerConfiguration()
varConfig.scriptBaseClass = LibraryVar.name
def varShell = new GroovyShell(this.class.classLoader, new Binding(), varConfig)
try {
    // `@Library('x') _` is Jenkins syntax, not Groovy's: record it and blank the line (line numbers stay).
    String text = jenkinsfile.getText('UTF-8').readLines().collect { line ->
        def library = line =~ /^\s*@Library\((.*)\)\s*_?\s*$/
        if (!library.matches()) return line
        println PipelineDsl.tsv('LIB', library.group(1).replaceAll(/['"\[\]]/, ''))
        return ''
    }.join('\n')
    PipelineDsl pipeline = (PipelineDsl) shell.parse(text, 'Jenkinsfile')
    (varsDir.listFiles() ?: []).findAll { it.name.endsWith('.groovy') }.sort { it.name }.each { file ->
        LibraryVar step = (LibraryVar) varShell.parse(file.getText('UTF-8'), file.name - '.groovy')
        step.setDsl(pipeline) // a plain assignment on a Script would land in its binding
        step.run()
        pipeline.libraryVars[file.name - '.groovy'] = step
    }
    pipeline.run()
} catch (Throwable t) {
    System.err.println("harness: the Jenkinsfile failed: ${t}")
    t.stackTrace.findAll { it.fileName == 'Jenkinsfile' }.take(3).each { System.err.println("    at line ${it.lineNumber}") }
    System.exit(1)
}
