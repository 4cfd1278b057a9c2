/**
 * The canonical property order of the CBV 2.0 event hash, as GS1's reference
 * implementation applies it (its published vectors are the contract partners check us
 * against). Two places where it differs from the table in the standard's text, and we
 * follow it: bizTransactionList, sourceList and destinationList are not at their places
 * 20-22 but sorted, as whole strings, together with ilmd and the event's extension fields
 * after everything else (so destinationList precedes sourceList, and both follow
 * sensorElementList); and certificationInfo comes right after eventTimeZoneOffset.
 */

export type FieldSpec =
  | { kind: 'value' }
  | { kind: 'time' }
  /** Values of a vocabulary: a bare name is the standard term under this IRI prefix. */
  | { kind: 'vocabulary'; vocabulary: string }
  | { kind: 'object'; spec: ObjectSpec }
  /** "epcList" + each "epc=…": the list's name once, its items sorted. */
  | { kind: 'list'; item: string; itemSpec: FieldSpec }
  /** bizTransactionList, sourceList, destinationList: each item "type=…" then "<item>=…". */
  | { kind: 'typed-list'; item: string; typeVocabulary: string };

export interface ObjectSpec {
  /** In this order, before anything else. */
  fields: ReadonlyArray<readonly [string, FieldSpec]>;
  /** Sorted together with the extension fields, after the ordered ones. */
  trailing?: ReadonlyArray<readonly [string, FieldSpec]>;
}

const CBV = 'https://ref.gs1.org/cbv/';
const GS1_VOC = 'https://gs1.org/voc/';

const value: FieldSpec = { kind: 'value' };
const time: FieldSpec = { kind: 'time' };
const epcs: FieldSpec = { kind: 'list', item: 'epc', itemSpec: value };
const disposition: FieldSpec = { kind: 'vocabulary', vocabulary: `${CBV}Disp-` };
const quantities: FieldSpec = {
  kind: 'list',
  item: 'quantityElement',
  itemSpec: {
    kind: 'object',
    spec: {
      fields: [
        ['epcClass', value],
        ['quantity', value],
        ['uom', value],
      ],
    },
  },
};
const location: FieldSpec = { kind: 'object', spec: { fields: [['id', value]] } };

const SENSOR_METADATA: ObjectSpec = {
  fields: [
    ['time', time],
    ['startTime', time],
    ['endTime', time],
    ['deviceID', value],
    ['deviceMetadata', value],
    ['rawData', value],
    ['dataProcessingMethod', value],
    ['bizRules', value],
  ],
};

const SENSOR_REPORT: ObjectSpec = {
  fields: [
    ['type', { kind: 'vocabulary', vocabulary: GS1_VOC }],
    ['exception', { kind: 'vocabulary', vocabulary: GS1_VOC }],
    ['deviceID', value],
    ['deviceMetadata', value],
    ['rawData', value],
    ['dataProcessingMethod', value],
    ['time', time],
    ['microorganism', value],
    ['chemicalSubstance', value],
    ['value', value],
    ['component', { kind: 'vocabulary', vocabulary: `${CBV}Comp-` }],
    ['stringValue', value],
    ['booleanValue', value],
    ['hexBinaryValue', value],
    ['uriValue', value],
    ['minValue', value],
    ['maxValue', value],
    ['meanValue', value],
    ['sDev', value],
    ['percRank', value],
    ['percValue', value],
    ['uom', value],
    ['coordinateReferenceSystem', value],
  ],
};

const SENSOR_ELEMENT: ObjectSpec = {
  fields: [
    ['sensorMetadata', { kind: 'object', spec: SENSOR_METADATA }],
    ['sensorReport', { kind: 'object', spec: SENSOR_REPORT }],
  ],
};

export const EVENT_FIELDS: ObjectSpec = {
  fields: [
    ['eventTime', time],
    ['eventTimeZoneOffset', value],
    ['certificationInfo', value],
    ['parentID', value],
    ['epcList', epcs],
    ['inputEPCList', epcs],
    ['childEPCs', epcs],
    ['quantityList', quantities],
    ['childQuantityList', quantities],
    ['inputQuantityList', quantities],
    ['outputEPCList', epcs],
    ['outputQuantityList', quantities],
    ['action', value],
    ['transformationID', value],
    ['bizStep', { kind: 'vocabulary', vocabulary: `${CBV}BizStep-` }],
    ['disposition', disposition],
    [
      'persistentDisposition',
      {
        kind: 'object',
        spec: {
          fields: [
            ['set', disposition],
            ['unset', disposition],
          ],
        },
      },
    ],
    ['readPoint', location],
    ['bizLocation', location],
    ['sensorElementList', { kind: 'list', item: 'sensorElement', itemSpec: { kind: 'object', spec: SENSOR_ELEMENT } }],
  ],
  trailing: [
    ['bizTransactionList', { kind: 'typed-list', item: 'bizTransaction', typeVocabulary: `${CBV}BTT-` }],
    ['sourceList', { kind: 'typed-list', item: 'source', typeVocabulary: `${CBV}SDT-` }],
    ['destinationList', { kind: 'typed-list', item: 'destination', typeVocabulary: `${CBV}SDT-` }],
  ],
};

/**
 * Not part of the event's identity: when and under which id a repository recorded it, the
 * declaration that it is in error (EPCIS 2.0: a declaration keeps the event's id), its type
 * (written first, as eventType) and the JSON-LD context.
 */
export const IGNORED_EVENT_FIELDS = ['type', 'eventID', 'recordTime', 'errorDeclaration', '@context'] as const;
