// Optional meter of DynamoDB consumed capacity (a client middleware), for cost benchmarks and cost logs.
import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Capacity totals of one operation name (PutItem, Query, …). */
export interface OpCapacity {
  calls: number;
  readUnits: number;
  writeUnits: number;
}

/** Read/write unit totals, overall and per operation and per index. */
export interface CapacitySnapshot {
  readUnits: number;
  writeUnits: number;
  /** Conditional writes that failed: DynamoDB bills them but returns no ConsumedCapacity; estimated by size. */
  failedConditionalWrites: number;
  failedConditionalWriteUnits: number;
  byOperation: Record<string, OpCapacity>;
  /** Write units charged to each index (`table`, `gsi1`, …), from ReturnConsumedCapacity=INDEXES. */
  writesByIndex: Record<string, number>;
  /** Read units charged to each index. */
  readsByIndex: Record<string, number>;
}

const READ_OPS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);
const CAPACITY_OPS = new Set([
  ...READ_OPS,
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
]);

/** Sums ConsumedCapacity from DynamoDB responses. */
export class CapacityMeter {
  private s: CapacitySnapshot = CapacityMeter.empty();

  private static empty(): CapacitySnapshot {
    return { readUnits: 0, writeUnits: 0, failedConditionalWrites: 0, failedConditionalWriteUnits: 0, byOperation: {}, writesByIndex: {}, readsByIndex: {} };
  }

  /** Totals so far (a copy). */
  snapshot(): CapacitySnapshot {
    return structuredClone(this.s);
  }

  /** Zeroes every counter. */
  reset(): void {
    this.s = CapacityMeter.empty();
  }

  /** Records the capacity of one response. */
  record(command: string, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): void {
    const op = command.replace(/Command$/, '');
    const entry = (this.s.byOperation[op] ??= { calls: 0, readUnits: 0, writeUnits: 0 });
    entry.calls++;
    const isRead = READ_OPS.has(command);
    for (const c of consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed]) {
      const units = c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0);
      if (isRead) {
        this.s.readUnits += units;
        entry.readUnits += units;
      } else {
        this.s.writeUnits += units;
        entry.writeUnits += units;
      }
      const byIndex = isRead ? this.s.readsByIndex : this.s.writesByIndex;
      if (c.Table?.CapacityUnits) byIndex.table = (byIndex.table ?? 0) + c.Table.CapacityUnits;
      for (const [name, v] of Object.entries(c.GlobalSecondaryIndexes ?? {})) byIndex[name] = (byIndex[name] ?? 0) + (v.CapacityUnits ?? 0);
    }
  }

  /** Records a failed conditional write, billed like a write of the attempted record. */
  recordFailedConditional(command: string, units: number): void {
    const op = command.replace(/Command$/, '');
    const entry = (this.s.byOperation[op] ??= { calls: 0, readUnits: 0, writeUnits: 0 });
    entry.calls++;
    entry.writeUnits += units;
    this.s.writeUnits += units;
    this.s.failedConditionalWrites++;
    this.s.failedConditionalWriteUnits += units;
  }
}

/** Approximate DynamoDB size of an attribute map (names + values), for estimating failed-write units. */
export function approxItemBytes(item: unknown): number {
  return Buffer.byteLength(JSON.stringify(item ?? {}));
}

/**
 * Attaches a meter to a client: every capacity-bearing command asks for INDEXES-level consumed capacity and
 * the meter sums the answers. One meter per client; returns it.
 */
export function attachCapacityMeter(client: DynamoDBClient, meter = new CapacityMeter()): CapacityMeter {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const input = args.input as { ReturnConsumedCapacity?: string; Item?: unknown };
      if (CAPACITY_OPS.has(command)) input.ReturnConsumedCapacity = 'INDEXES';
      try {
        const out = await next(args);
        if (CAPACITY_OPS.has(command)) {
          meter.record(command, (out.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity);
        }
        return out;
      } catch (err) {
        if ((err as Error).name === 'ConditionalCheckFailedException') {
          const units = command === 'PutItemCommand' ? Math.max(1, Math.ceil(approxItemBytes(input.Item) / 1024)) : 1;
          meter.recordFailedConditional(command, units);
        }
        throw err;
      }
    },
    { step: 'initialize', name: 'roundupCapacityMeter', override: true },
  );
  return meter;
}
