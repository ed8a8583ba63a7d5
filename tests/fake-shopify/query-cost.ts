// Shopify's calculated query cost and leaky-bucket throttle, close enough that an app which would be
// throttled or refused (MAX_COST_EXCEEDED) by Shopify is throttled or refused here too.
// Rules (shopify.dev "API rate limits"): scalars and enums 0, objects 1, connections 2 + first × the
// cost of one node, a type-conditioned fragment the costliest of its alternatives, mutations 10.
import {
  getArgumentValues,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

export interface CostLimits {
  maximumAvailable: number;
  restoreRate: number;
  singleQueryMaxCost: number;
}

export const SHOPIFY_COST_LIMITS: CostLimits = { maximumAvailable: 2000, restoreRate: 100, singleQueryMaxCost: 1000 };

const MUTATION_COST = 10;

interface CostContext {
  schema: GraphQLSchema;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function fieldsOf(context: CostContext, selectionSet: SelectionSetNode): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? context.fragments.get(selection.name.value) : selection;
    return fragment ? fieldsOf(context, fragment.selectionSet) : [];
  });
}

function selectionSetCost(context: CostContext, selectionSet: SelectionSetNode, parentType: GraphQLCompositeType): number {
  let unconditional = 0;
  const byTypeCondition = new Map<string, number>();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      unconditional += fieldCost(context, selection, parentType);
      continue;
    }
    const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? context.fragments.get(selection.name.value) : selection;
    if (!fragment) continue;
    const conditionName = fragment.typeCondition?.name.value ?? parentType.name;
    const conditionType = context.schema.getType(conditionName);
    if (!conditionType || !isCompositeType(conditionType)) continue;
    const cost = selectionSetCost(context, fragment.selectionSet, conditionType);
    if (conditionName === parentType.name) unconditional += cost;
    else byTypeCondition.set(conditionName, (byTypeCondition.get(conditionName) ?? 0) + cost);
  }
  return unconditional + Math.max(0, ...byTypeCondition.values());
}

function isConnectionType(type: GraphQLCompositeType): boolean {
  return isObjectType(type) && type.name.endsWith("Connection") && "pageInfo" in type.getFields();
}

function fieldCost(context: CostContext, field: FieldNode, parentType: GraphQLCompositeType): number {
  if (!(isObjectType(parentType) || isInterfaceType(parentType))) return 0;
  const definition = parentType.getFields()[field.name.value];
  if (!definition || !field.selectionSet) return 0;
  const namedType = getNamedType(definition.type);
  if (isLeafType(namedType) || !isCompositeType(namedType)) return 0;
  const args = getArgumentValues(definition, field, context.variables);

  if (isConnectionType(namedType) && isObjectType(namedType)) {
    const pageSize = Number(args.first ?? args.last ?? 0);
    let nodeCost = 0;
    for (const child of fieldsOf(context, field.selectionSet)) {
      const childType = namedType.getFields()[child.name.value];
      if (!child.selectionSet || !childType || child.name.value === "pageInfo") continue;
      const itemType = getNamedType(childType.type);
      if (!isCompositeType(itemType)) continue;
      // `nodes` items and `edges` items are the same records: count the costlier view once.
      const itemCost = child.name.value === "nodes"
        ? 1 + selectionSetCost(context, child.selectionSet, itemType)
        : selectionSetCost(context, child.selectionSet, itemType);
      nodeCost = Math.max(nodeCost, itemCost);
    }
    return 2 + pageSize * nodeCost;
  }

  const unwrapped = isNonNullType(definition.type) ? definition.type.ofType : definition.type;
  const multiplier = isListType(unwrapped) && Array.isArray(args.ids) ? args.ids.length : 1;
  return multiplier * (1 + selectionSetCost(context, field.selectionSet, namedType));
}

export function findOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  return operationName ? operations.find((operation) => operation.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
}

/** `variables` must already be coerced (getVariableValues). */
export function estimateRequestedCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number {
  if (operation.operation === "mutation") {
    return MUTATION_COST * operation.selectionSet.selections.filter((selection) => selection.kind === Kind.FIELD).length;
  }
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const rootType = operation.operation === "subscription" ? schema.getSubscriptionType() : schema.getQueryType();
  return rootType ? selectionSetCost({ schema, fragments, variables }, operation.selectionSet, rootType) : 0;
}

/** What was actually returned, as Shopify refunds the difference: one point per object in the data. */
export function countReturnedObjects(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + countReturnedObjects(item), 0);
  if (value === null || typeof value !== "object") return 0;
  return 1 + Object.values(value).reduce<number>((sum, item) => sum + countReturnedObjects(item), 0);
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** One shop's leaky bucket: refills at `restoreRate` points per second up to `maximumAvailable`. */
export class CostBucket {
  private available: number;
  private refilledAt: number;

  constructor(
    private readonly limits: CostLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.available = limits.maximumAvailable;
    this.refilledAt = now();
  }

  currentlyAvailable(): number {
    const now = this.now();
    this.available = Math.min(this.limits.maximumAvailable, this.available + ((now - this.refilledAt) / 1000) * this.limits.restoreRate);
    this.refilledAt = now;
    return this.available;
  }

  spend(points: number): void {
    this.available = Math.max(0, this.currentlyAvailable() - points);
  }

  status(currentlyAvailable = this.currentlyAvailable()): ThrottleStatus {
    return {
      maximumAvailable: this.limits.maximumAvailable,
      currentlyAvailable: Math.floor(currentlyAvailable),
      restoreRate: this.limits.restoreRate,
    };
  }
}
