import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  buildASTSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  parse,
  print,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { InProcessActivityBus } from '../../src/activity/bus';
import { buildGatewaySchema, printContractSchema } from '../../src/schema/build';
import { SCHEMA_FILE } from '../../src/schema/emit';

/** SPEC.md's GraphQL block, copied verbatim. */
const CONTRACT_FILE = path.resolve(__dirname, '../fixtures/contract.graphql');

const fromSdl = (sdl: string) => buildASTSchema(parse(sdl), { assumeValidSDL: true });

function kindOf(type: GraphQLNamedType): string {
  if (isObjectType(type)) return 'object';
  if (isEnumType(type)) return 'enum';
  if (isScalarType(type)) return 'scalar';
  if (isInterfaceType(type)) return 'interface';
  if (isUnionType(type)) return 'union';
  if (isInputObjectType(type)) return 'input';
  return 'unknown';
}

/**
 * Every way `schema` breaks the contract: each contract type, field, argument, argument default,
 * nullability and enum value must exist identically. Additions of our own (federation's _service
 * and _entities, descriptions) are not breaks.
 */
function contractBreaks(contract: GraphQLSchema, schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const root of ['getQueryType', 'getMutationType', 'getSubscriptionType'] as const) {
    if (contract[root]()?.name !== schema[root]()?.name) {
      problems.push(`root ${root}: ${schema[root]()?.name} instead of ${contract[root]()?.name}`);
    }
  }
  for (const expected of Object.values(contract.getTypeMap())) {
    if (expected.name.startsWith('__')) continue;
    const actual = schema.getType(expected.name);
    if (!actual) {
      problems.push(`type ${expected.name} is missing`);
      continue;
    }
    if (kindOf(actual) !== kindOf(expected)) {
      problems.push(`type ${expected.name} is a ${kindOf(actual)}, not a ${kindOf(expected)}`);
      continue;
    }
    if (isEnumType(expected) && isEnumType(actual)) {
      const want = expected.getValues().map((v) => v.name);
      const got = actual.getValues().map((v) => v.name);
      if (JSON.stringify([...got].sort()) !== JSON.stringify([...want].sort())) {
        problems.push(`enum ${expected.name} has ${got.join(' ')} instead of ${want.join(' ')}`);
      }
    }
    if (isObjectType(expected) && isObjectType(actual)) {
      const wantDirectives = (expected.astNode?.directives ?? []).map((d) => print(d));
      const gotDirectives = [...(actual.astNode?.directives ?? []), ...(actual.extensionASTNodes ?? []).flatMap((n) => n.directives ?? [])].map((d) => print(d));
      for (const d of wantDirectives) if (!gotDirectives.includes(d)) problems.push(`${expected.name} lacks ${d}`);
      const actualFields = actual.getFields();
      for (const field of Object.values(expected.getFields())) {
        const where = `${expected.name}.${field.name}`;
        const got = actualFields[field.name];
        if (!got) {
          problems.push(`${where} is missing`);
          continue;
        }
        if (String(got.type) !== String(field.type)) problems.push(`${where} is ${String(got.type)}, not ${String(field.type)}`);
        const wantArgs = field.args.map((a) => a.name);
        const gotArgs = got.args.map((a) => a.name);
        if (JSON.stringify(gotArgs) !== JSON.stringify(wantArgs)) problems.push(`${where} takes (${gotArgs.join(', ')}), not (${wantArgs.join(', ')})`);
        for (const arg of field.args) {
          const gotArg = got.args.find((a) => a.name === arg.name);
          if (!gotArg) continue;
          if (String(gotArg.type) !== String(arg.type)) problems.push(`${where}(${arg.name}) is ${String(gotArg.type)}, not ${String(arg.type)}`);
          if (JSON.stringify(gotArg.defaultValue) !== JSON.stringify(arg.defaultValue)) {
            problems.push(`${where}(${arg.name}) defaults to ${JSON.stringify(gotArg.defaultValue)}, not ${JSON.stringify(arg.defaultValue)}`);
          }
        }
      }
    }
  }
  return problems;
}

let contract: GraphQLSchema;
beforeAll(async () => {
  contract = fromSdl(await readFile(CONTRACT_FILE, 'utf8'));
});

test('the committed schema.graphql is what the code prints (run `npm run schema` when this fails)', async () => {
  const committed = await readFile(SCHEMA_FILE, 'utf8');
  const printed = await printContractSchema();
  if (committed !== printed) {
    // Show the difference too, below the instruction.
    try {
      expect(committed).toBe(printed);
    } catch (error) {
      throw new Error(`schema.graphql is stale: run \`npm run schema\` and commit the result.\n\n${(error as Error).message}`);
    }
  }
});

test('the committed schema.graphql keeps the SPEC contract exactly', async () => {
  const committed = fromSdl(await readFile(SCHEMA_FILE, 'utf8'));
  expect(contractBreaks(contract, committed)).toEqual([]);
});

test('the schema the gateway serves keeps the SPEC contract exactly, with federation added', async () => {
  const served = await buildGatewaySchema(new InProcessActivityBus());
  expect(contractBreaks(contract, served)).toEqual([]);
  expect(Object.keys(served.getQueryType()!.getFields())).toEqual(expect.arrayContaining(['_service', '_entities']));
});

test('the contract check notices a break', async () => {
  const sdl = await readFile(CONTRACT_FILE, 'utf8');
  const broken = fromSdl(
    sdl
      .replace('customer(id: ID!): Customer', 'customer(id: ID!): Customer!')
      .replace('favouriteProducts(limit: Int = 5)', 'favouriteProducts(limit: Int = 10)')
      .replace('WEBSITE_ERROR }', 'WEBSITE_ERROR PHONE_CALL }')
      .replace('  recentErrors(limit: Int = 5): [WebError!]!\n', '')
      .replace('type Customer @key(fields: "id") {', 'type Customer {'),
  );
  expect(contractBreaks(contract, broken)).toEqual([
    'Query.customer is Customer!, not Customer',
    'Customer lacks @key(fields: "id")',
    'Customer.favouriteProducts(limit) defaults to 10, not 5',
    'Customer.recentErrors is missing',
    'enum ActivityType has INSTORE_ORDER ONLINE_ORDER EMAIL_SENT WEBSITE_VISIT LOGIN WEBSITE_ERROR PHONE_CALL instead of INSTORE_ORDER ONLINE_ORDER EMAIL_SENT WEBSITE_VISIT LOGIN WEBSITE_ERROR',
  ]);
});
