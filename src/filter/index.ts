// The condition language: parse, print, compile to a predicate, and analyse (fields used, macro and
// list references, event types matched).
export type * from './ast.js';
export { FilterError, FilterSyntaxError, FilterCompileError, type CompileErrorKind } from './errors.js';
export { parseCondition, type ParseOptions } from './parser.js';
export { printCondition } from './print.js';
export { compileCondition, ConditionGroup, type CompileOptions } from './compile.js';
export type { Predicate } from './shared.js';
export { expandReferences, type ReferenceResolvers } from './expand.js';
export { eventTypesOf, type EventTypeUniverse } from './evttypes.js';
export { forEachNode, fieldsOf, macrosOf, listCandidatesOf } from './walk.js';
export { OPERATORS, type OperatorInfo, type OperatorName } from './operators.js';
