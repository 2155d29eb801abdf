// Flink's own memory derivation, for tests/flink_oracle.rs: runs the code `bin/config.sh` runs
// (`BashJavaUtils GET_TM_RESOURCE_PARAMS` / `GET_JM_RESOURCE_PARAMS`, through its private
// `runCommand`, the very method its `main` calls) for many configurations in one JVM.
//
// Run with Java's single-file launcher, Flink's two jars on the class path:
//   java -cp bash-java-utils.jar:flink-dist-X.jar FlinkMemoryOracle.java CONFIG_DIR < cases
//
// Input, one case per line: `TM` or `JM`, then tab-separated `key=value` pairs, each passed as
// `-D key=value`. In keys and values `\t`, `\n` and `\\` stand for a tab, a newline and a
// backslash. Output, one line per case, in order: `OK<TAB>jvm flags<TAB>dynamic configs` (the
// two lines BashJavaUtils prints) or `ERR<TAB>exception: message[ Caused by: exception:
// message]...`, with newlines in messages printed as `\n`. Flink's log goes nowhere: stdout
// carries only results.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

public class FlinkMemoryOracle {
    public static void main(String[] args) throws Exception {
        PrintStream results = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        // Before any Flink class (and its logger) loads: the console log appender captures
        // System.out when it starts.
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        String configDir = args[0];
        Class<?> utils = Class.forName("org.apache.flink.runtime.util.bash.BashJavaUtils");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<Enum> command = (Class<Enum>) Class.forName(
                "org.apache.flink.runtime.util.bash.BashJavaUtils$Command");
        Method run = utils.getDeclaredMethod("runCommand", command, String[].class);
        run.setAccessible(true);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] fields = line.split("\t", -1);
            String which = fields[0].equals("TM") ? "GET_TM_RESOURCE_PARAMS" : "GET_JM_RESOURCE_PARAMS";
            List<String> commandArgs = new ArrayList<>();
            commandArgs.add("--configDir");
            commandArgs.add(configDir);
            for (int i = 1; i < fields.length; i++) {
                if (fields[i].isEmpty()) {
                    continue;
                }
                commandArgs.add("-D");
                commandArgs.add(unescape(fields[i]));
            }
            String result;
            try {
                @SuppressWarnings("unchecked")
                List<String> output = (List<String>) run.invoke(
                        null, Enum.valueOf(command, which), commandArgs.toArray(new String[0]));
                result = "OK\t" + escape(output.get(0)) + "\t" + escape(output.get(1));
            } catch (InvocationTargetException e) {
                StringBuilder text = new StringBuilder("ERR\t");
                Throwable t = e.getCause();
                boolean first = true;
                while (t != null) {
                    if (!first) {
                        text.append(" Caused by: ");
                    }
                    text.append(t.getClass().getName()).append(": ").append(escape(String.valueOf(t.getMessage())));
                    first = false;
                    t = t.getCause() == t ? null : t.getCause();
                }
                result = text.toString();
            }
            results.println(result);
        }
        results.flush();
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }
}
