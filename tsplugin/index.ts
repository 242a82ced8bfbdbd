// TypeScript server plugin, contributed through `contributes.typescriptServerPlugins`: makes the bare
// specifier `concurrency-lens` resolve to the declarations shipped with the extension, so snippets get
// completion, hovers and type errors without installing anything. It only fills in what nothing else
// resolved: a workspace that installs the `concurrency-lens` package keeps its own copy.
//
// tsserver loads plugins by package name from `<probe location>/node_modules`, and VS Code probes the
// extension's folder, so the build writes this bundle to `node_modules/concurrency-lens-ts-plugin/`
// and the declarations stay in `dist/types/` two levels up.
import type * as ts from 'typescript';
import { join } from 'node:path';

/** The module name that snippets import. */
const MODULE = 'concurrency-lens';
/** Entry declaration file, relative to this bundle's folder. */
const TYPES = join(__dirname, '..', '..', 'dist', 'types', 'runtime', 'node', 'index.d.ts');

/** The resolution returned for `concurrency-lens` when the project's own resolution found nothing. */
function shipped(typescript: typeof ts, typesFile: string): ts.ResolvedModuleFull {
  return { resolvedFileName: typesFile, extension: typescript.Extension.Dts, isExternalLibraryImport: true };
}

function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  const typescript = modules.typescript;
  return {
    create(info) {
      const host = info.languageServiceHost;
      const typesFile = typeof info.config?.typesFile === 'string' ? info.config.typesFile : TYPES;
      const log = (msg: string) => info.project.projectService.logger.info(`[concurrency-lens] ${msg}`);
      if (!typescript.sys?.fileExists(typesFile)) {
        log(`no declarations at ${typesFile}; not resolving ${MODULE}`);
        return info.languageService;
      }
      const resolved = shipped(typescript, typesFile);

      // TypeScript 5+ resolves through resolveModuleNameLiterals; older hosts through resolveModuleNames.
      const literals = host.resolveModuleNameLiterals?.bind(host);
      if (literals) {
        host.resolveModuleNameLiterals = (names, containingFile, ...rest) => {
          const out = literals(names, containingFile, ...rest);
          return out.map((r, i) =>
            r.resolvedModule || names[i].text !== MODULE ? r : { ...r, resolvedModule: resolved },
          );
        };
      }
      const legacy = host.resolveModuleNames?.bind(host);
      if (legacy) {
        host.resolveModuleNames = (names, containingFile, ...rest) => {
          const out = legacy(names, containingFile, ...rest);
          return out.map((r, i) => r ?? (names[i] === MODULE ? resolved : undefined));
        };
      }
      log(`resolving ${MODULE} to ${typesFile} when nothing else does`);
      return info.languageService;
    },
  };
}

export = init;
